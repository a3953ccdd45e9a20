/**
 * Mail templates (Eta). HTML is auto-escaped: whatever a plan or a person wrote is shown as
 * text, never run. The text version carries the same content for clients without HTML.
 * Every mail: greeting, what happened, what to do (请…), whom to contact, and the office's 落款.
 */
export const HTML_LAYOUT = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title><%= it.subject %></title></head>
<body style="font-family: 'FangSong', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif; color: #222; line-height: 1.7; max-width: 760px">
<p><%= it.greeting %></p>
<% if (it.intro) { %><p><%= it.intro %></p><% } %>
<% for (const item of it.items) { %>
<table role="presentation" style="border: 1px solid #ddd; border-left: 6px solid <%= item.badgeColor %>; margin: 12px 0; padding: 8px 12px; width: 100%">
<tr><td>
<div style="font-weight: bold"><span style="color: <%= item.badgeColor %>">● <%= item.badgeLabel %></span>【<%= item.kindLabel %>】<%= item.measureLine %></div>
<div style="color: #555"><%= item.problemLine %></div>
<div>牵头单位：<%= item.leadUnit %> 负责区领导：<%= item.leader %></div>
<% if (item.deadline) { %><div><%= item.deadlineLabel %>：<%= item.deadline %><% if (item.left) { %>，<strong><%= item.left %></strong><% } %></div><% } %>
<% for (const line of item.lines) { %><p style="margin: 6px 0"><%= line %></p><% } %>
<% for (const a of item.act) { %><p style="margin: 6px 0; font-weight: bold"><%= a %></p><% } %>
<% if (item.desk) { %><p style="margin: 10px 0 4px">在系统中办理：<a href="<%= item.desk %>" style="color: #0b57d0; font-weight: bold">打开本措施页面</a></p><% } %>
<% if (item.links.length) { %><p style="margin: 10px 0 4px">在线办理：<% item.links.forEach((l, i) => { %><% if (i) { %> | <% } %><a href="<%= l.url %>" style="color: #0b57d0; font-weight: bold"><%= l.label %></a><% }) %></p>
<p style="margin: 0; color: #666; font-size: 13px"><%= item.linkNote %></p><% } %>
<% if (item.reply) { %><p style="margin: 10px 0 4px">邮件报送：<a href="mailto:<%= item.reply.address %>" style="color: #0b57d0"><%= item.reply.address %></a></p>
<p style="margin: 0; color: #666; font-size: 13px"><%= item.reply.note %></p><% } %>
</td></tr></table>
<% } %>
<% for (const sec of it.sections) { %><h3 style="font-size: 16px; margin: 16px 0 4px"><%= sec.heading %></h3>
<ul style="margin: 0; padding-left: 20px"><% for (const line of sec.lines) { %><li><%= line %></li><% } %></ul><% } %>
<% if (it.closing) { %><p style="font-weight: bold"><%= it.closing %></p><% } %>
<% if (it.online) { %><p><a href="<%= it.online.url %>" style="color: #0b57d0; font-weight: bold"><%= it.online.label %></a></p><% } %>
<% if (it.contact) { %><p><%= it.contact %></p><% } %>
<p style="text-align: right; margin-top: 24px"><%= it.signature.name %><br><%= it.signature.date %></p>
</body></html>
`;

export const TEXT_LAYOUT = `<%= it.greeting %>

<% if (it.intro) { %><%= it.intro %>

<% } %><% for (const item of it.items) { %>[<%= item.badgeLabel %>]【<%= item.kindLabel %>】<%= item.measureLine %>
  <%= item.problemLine %>
  牵头单位：<%= item.leadUnit %>  负责区领导：<%= item.leader %>
<% if (item.deadline) { %>  <%= item.deadlineLabel %>：<%= item.deadline %><% if (item.left) { %>，<%= item.left %><% } %>
<% } %><% for (const line of item.lines) { %>  <%= line %>
<% } %><% for (const a of item.act) { %>  <%= a %>
<% } %><% if (item.desk) { %>  在系统中办理：<%= item.desk %>
<% } %><% if (item.links.length) { %>  在线办理：
<% for (const l of item.links) { %>    <%= l.label %>：<%= l.url %>
<% } %>  <%= item.linkNote %>
<% } %><% if (item.reply) { %>  邮件报送：<%= item.reply.address %>
  <%= item.reply.note %>
<% } %>
<% } %><% for (const sec of it.sections) { %><%= sec.heading %>
<% for (const line of sec.lines) { %>  · <%= line %>
<% } %>
<% } %><% if (it.closing) { %><%= it.closing %>

<% } %><% if (it.online) { %><%= it.online.label %>：<%= it.online.url %>

<% } %><% if (it.contact) { %><%= it.contact %>

<% } %>                                        <%= it.signature.name %>
                                        <%= it.signature.date %>
`;
