/*
 * The filter forms. Long filter choices made searchable: a select marked data-search that offers
 * more than a dozen choices gets a search box above it that narrows the choices as one types (全部
 * and the chosen one always stay). On a phone (app.css's 600px) the filter box folds to its heading,
 * which says what is chosen, so that the first rows show on the first screen; a tap opens it.
 * Without scripts the select works as it is and the box stays open.
 */
(function () {
  'use strict';
  var MANY = 12;
  document.querySelectorAll('select[data-search]').forEach(function (select) {
    if (select.options.length <= MANY) return;
    var box = document.createElement('input');
    box.type = 'search';
    box.className = 'choice-search';
    box.placeholder = '输入文字查找';
    box.setAttribute('aria-label', '查找' + (select.getAttribute('data-search') || '选项'));
    box.addEventListener('input', function () {
      var words = box.value.trim();
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        var keep = !option.value || option.selected || !words || option.text.indexOf(words) >= 0;
        option.hidden = !keep;
        if (keep && option.value) shown++;
      });
      box.setAttribute('aria-description', '找到' + shown + '项');
    });
    select.parentNode.insertBefore(box, select);
  });
  if (window.matchMedia('(max-width: 600px)').matches) {
    document.querySelectorAll('details.filters-box[open]').forEach(function (box) {
      box.open = false;
    });
  }
})();
