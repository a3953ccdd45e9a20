/**
 * Mail templates (Eta). HTML is auto-escaped: whatever a plan or a person wrote is shown as
 * text, never run. The text version carries the same content for clients without HTML.
 */
export const HTML_LAYOUT = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title><%= it.subject %></title></head>
<body style="font-family: 'PingFang SC', 'Microsoft YaHei', sans-serif; color: #222; line-height: 1.6">
<p><%= it.greeting %></p>
<% if (it.intro) { %><p><%= it.intro %></p><% } %>
<% for (const item of it.items) { %>
<table role="presentation" style="border: 1px solid #ddd; border-left: 6px solid <%= item.lightColor %>; margin: 12px 0; padding: 8px 12px; width: 100%">
<tr><td>
<div style="font-weight: bold"><span style="color: <%= item.lightColor %>">● <%= item.lightLabel %></span> 【<%= item.kindLabel %>】<%= item.measureLine %></div>
<div style="color: #555"><%= item.problemLine %></div>
<div>牵头单位: <%= item.leadUnit %> 负责区领导: <%= item.leader %></div>
<% if (item.deadline) { %><div><%= item.deadlineLabel %>: <%= item.deadline %><% if (item.left) { %>,<strong><%= item.left %></strong><% } %></div><% } %>
<% for (const line of item.lines) { %><p style="margin: 6px 0"><%= line %></p><% } %>
<% if (item.act.length) { %><div style="color: #555">办理方式:</div><ul style="margin: 4px 0"><% for (const a of item.act) { %><li><code><%= a %></code></li><% } %></ul><% } %>
</td></tr></table>
<% } %>
<p style="color: #777; font-size: 12px">如有疑问请联系<%= it.footer %></p>
</body></html>
`;

export const TEXT_LAYOUT = `<%= it.greeting %>

<% if (it.intro) { %><%= it.intro %>

<% } %><% for (const item of it.items) { %>[<%= item.lightLabel %>]【<%= item.kindLabel %>】<%= item.measureLine %>
  <%= item.problemLine %>
  牵头单位: <%= item.leadUnit %>  负责区领导: <%= item.leader %>
<% if (item.deadline) { %>  <%= item.deadlineLabel %>: <%= item.deadline %><% if (item.left) { %>,<%= item.left %><% } %>
<% } %><% for (const line of item.lines) { %>  <%= line %>
<% } %><% if (item.act.length) { %>  办理方式:
<% for (const a of item.act) { %>    <%= a %>
<% } %><% } %>
<% } %>如有疑问请联系<%= it.footer %>
`;
