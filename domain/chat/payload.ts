/**
 * The JSON body each platform's robot takes for a chat message (docs/chat/*.md): 企业微信
 * `markdown`, 钉钉 `markdown` with its `at`, 飞书 an `interactive` card with a `lark_md` block. The
 * signature fields are the client's to add (activities/chat/robots.ts): they depend on the clock.
 */
import type { ChatText } from './render';
import type { ChatChannel } from './platforms';

export function chatBody(channel: ChatChannel, text: ChatText): Record<string, unknown> {
  switch (channel.platform) {
    case 'wecom': {
      const at = (channel.mentionUserIds ?? []).map((id) => `<@${id}>`).join('');
      return { msgtype: 'markdown', markdown: { content: `### ${text.title}\n${text.markdown}${at ? `\n${at}` : ''}` } };
    }
    case 'dingtalk': {
      // A mention shows only when the text says @<mobile or id> too.
      const who = [...(channel.mentionMobiles ?? []), ...(channel.mentionUserIds ?? [])].map((x) => `@${x}`).join(' ');
      return {
        msgtype: 'markdown',
        markdown: { title: text.title, text: `### ${text.title}\n\n${text.markdown}${who ? `\n\n${who}` : ''}` },
        at: { atMobiles: channel.mentionMobiles ?? [], atUserIds: channel.mentionUserIds ?? [], isAtAll: false },
      };
    }
    case 'feishu': {
      const at = (channel.mentionUserIds ?? []).map((id) => `<at id=${id}></at>`).join('');
      return {
        msg_type: 'interactive',
        card: {
          header: { title: { tag: 'plain_text', content: text.title }, template: text.alarm ? 'red' : 'blue' },
          elements: [{ tag: 'div', text: { tag: 'lark_md', content: `${text.markdown}${at ? `\n${at}` : ''}` } }],
        },
      };
    }
  }
}
