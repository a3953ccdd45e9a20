/**
 * A local stand-in for the group robots of 企业微信, 钉钉 and 飞书, implementing each platform's
 * documented webhook contract as docs/chat/*.md records it (with the pages it follows):
 *   企业微信 https://developer.work.weixin.qq.com/document/path/91770 (消息推送配置说明)
 *   钉钉 https://open.dingtalk.com/document/robots/custom-robot-access and
 *        https://open.dingtalk.com/document/robots/customize-robot-security-settings
 *   飞书 https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 * Endpoint and key, signature (钉钉 加签, 飞书 签名校验) with a one-hour window, message schema and
 * size limits, each platform's error codes (always with HTTP 200, the code in the body), and its
 * rate limit (企业微信 20 a minute; 钉钉 20 a minute, then 10 minutes throttled; 飞书 5 a second and
 * 100 a minute). What it accepted is kept, in order, and listed as JSON at GET / (each robot by its
 * name, never its key or secret).
 * Shared by `rectify dev` (the sample plan's robots, client/dev-robots.ts), the benchmarks and the
 * fault suite (bench/lib/robots.ts) and the tests (test/helpers/chat-double.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatPlatform } from '../domain/chat/platforms';

export interface DoubleRobot {
  platform: ChatPlatform;
  /** 企业微信 key, 钉钉 access_token, 飞书 hook id. */
  key: string;
  secret?: string;
  /** Whose robot it is, as listings show it (区发改委的企业微信群机器人); its key is never shown. */
  name?: string;
}

export interface AcceptedPost {
  platform: ChatPlatform;
  key: string;
  body: Record<string, unknown>;
  /** When the platform took it (it is in the group from then on). */
  at: number;
}

export interface ChatDouble {
  /** The host to give as RECTIFY_CHAT_<PLATFORM>_URL (one server answers all three). */
  url: string;
  accepted: AcceptedPost[];
  /** Every answer given, accepted or not, in order, with the request's body as sent (what was refused). */
  answers: { platform: ChatPlatform; key: string; code: number; at: number; raw: string }[];
  /** When the answer to an accepted post went back to its sender (later than its taking by `answerDelayMs`); undefined while it has not. */
  answeredAt(post: AcceptedPost): number | undefined;
  close(): Promise<void>;
}

export interface ChatDoubleOptions {
  now?: () => number;
  /** How long 钉钉 throttles a robot that went over its 20 a minute (10 minutes, as documented). */
  dingtalkThrottleMs?: number;
  /**
   * The platform's answer comes this long after it took the post (kept in `accepted` at once), as
   * over the Internet: a sender that dies meanwhile never learns that its post went (the fault suite).
   */
  answerDelayMs?: number;
  /** Told of each post accepted, as it is (rectify dev logs them). */
  onAccepted?: (post: AcceptedPost, robot: DoubleRobot) => void;
}

/** A post's headline: 企业微信's first markdown line, 钉钉's markdown title, 飞书's card header (or the text of a text message). */
export function postTitle(post: Pick<AcceptedPost, 'body'>): string {
  const b = post.body as {
    markdown?: { content?: string; title?: string };
    text?: { content?: string };
    card?: { header?: { title?: { content?: string } } };
    content?: { text?: string };
  };
  const text = b.markdown?.title ?? b.markdown?.content ?? b.card?.header?.title?.content ?? b.text?.content ?? b.content?.text ?? '';
  return text.split('\n')[0].replace(/^#+\s*/, '');
}

/** A post's whole text: the markdown (or card's lark_md, or plain text) as the group reads it. */
export function postText(post: Pick<AcceptedPost, 'body'>): string {
  const b = post.body as {
    markdown?: { content?: string; text?: string };
    text?: { content?: string };
    card?: { header?: { title?: { content?: string } }; elements?: { text?: { content?: string } }[] };
    content?: { text?: string };
  };
  if (b.card) return [b.card.header?.title?.content ?? '', ...(b.card.elements ?? []).map((e) => e.text?.content ?? '')].join('\n');
  return b.markdown?.content ?? b.markdown?.text ?? b.text?.content ?? b.content?.text ?? '';
}

const HOUR = 3_600_000;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export async function startChatDouble(robots: DoubleRobot[], options: ChatDoubleOptions = {}): Promise<ChatDouble> {
  const now = options.now ?? (() => Date.now());
  const accepted: AcceptedPost[] = [];
  const answers: ChatDouble['answers'] = [];
  const answered = new WeakMap<AcceptedPost, number>();
  const sent = new Map<string, number[]>();
  const blockedUntil = new Map<string, number>();
  const robot = (platform: ChatPlatform, key: string) => robots.find((r) => r.platform === platform && r.key === key);
  /** Sends within `windowMs` before now, this one counted if it is let through. */
  const within = (id: string, windowMs: number) => (sent.get(id) ?? []).filter((t) => now() - t < windowMs).length;
  const count = (id: string) => sent.set(id, [...(sent.get(id) ?? []).filter((t) => now() - t < 60_000), now()]);
  const take = (r: DoubleRobot, post: AcceptedPost) => {
    accepted.push(post);
    options.onAccepted?.(post, r);
  };

  const wecom = (key: string, raw: string): [number, string] => {
    const r = robot('wecom', key);
    if (!r) return [93000, 'invalid webhook url, hint: [1700000000_1_xxx]'];
    const body = parse(raw);
    if (!body) return [40035, 'invalid json'];
    if (within(`wecom:${key}`, 60_000) >= 20) return [45009, 'api freq out of limit'];
    if (body.msgtype === 'markdown') {
      const content = (body.markdown as { content?: unknown } | undefined)?.content;
      if (typeof content !== 'string' || !content) return [44004, 'empty content'];
      if (bytes(content) > 4096) return [40058, 'markdown.content exceed max length 4096'];
    } else if (body.msgtype === 'text') {
      const content = (body.text as { content?: unknown } | undefined)?.content;
      if (typeof content !== 'string' || !content) return [44004, 'empty content'];
      if (bytes(content) > 2048) return [40058, 'content exceed max length 2048'];
    } else return [40008, 'invalid message type'];
    count(`wecom:${key}`);
    take(r, { platform: 'wecom', key, body, at: now() });
    return [0, 'ok'];
  };

  const dingtalk = (url: URL, raw: string, contentType: string): [number, string] => {
    if (!contentType.startsWith('application/json')) return [43004, '无效的HTTP HEADER Content-Type'];
    const key = url.searchParams.get('access_token') ?? '';
    const r = robot('dingtalk', key);
    if (!r) return [400101, 'access_token不存在'];
    if (r.secret) {
      const ts = Number(url.searchParams.get('timestamp'));
      if (!Number.isFinite(ts) || Math.abs(now() - ts) > HOUR) return [310000, 'invalid timestamp'];
      const expected = createHmac('sha256', r.secret).update(`${ts}\n${r.secret}`).digest('base64');
      if (!same(url.searchParams.get('sign') ?? '', expected)) return [310000, 'sign not match'];
    }
    if (bytes(raw) > 20_000) return [460101, 'message too long, exceed 20000 bytes'];
    const body = parse(raw);
    if (!body) return [40035, '缺少参数 json'];
    const id = `dingtalk:${key}`;
    if ((blockedUntil.get(id) ?? 0) > now()) return [410100, '发送速度太快而限流'];
    if (within(id, 60_000) >= 20) {
      blockedUntil.set(id, now() + (options.dingtalkThrottleMs ?? 600_000));
      return [410100, '发送速度太快而限流'];
    }
    if (body.msgtype === 'markdown') {
      const md = body.markdown as { title?: unknown; text?: unknown } | undefined;
      if (typeof md?.title !== 'string' || typeof md.text !== 'string' || !md.title || !md.text) return [40035, '缺少参数 markdown'];
    } else if (body.msgtype !== 'text' && body.msgtype !== 'actionCard') return [400105, '不支持的消息类型'];
    count(id);
    take(r, { platform: 'dingtalk', key, body, at: now() });
    return [0, 'ok'];
  };

  const feishu = (key: string, raw: string): [number, string] => {
    if (bytes(raw) > 20 * 1024) return [9499, 'Bad Request'];
    const body = parse(raw);
    if (!body || typeof body.msg_type !== 'string') return [9499, 'Bad Request'];
    const r = robot('feishu', key);
    if (!r) return [19001, 'param invalid: incoming webhook access token invalid'];
    if (r.secret) {
      const ts = Number(body.timestamp);
      const expected = createHmac('sha256', `${ts}\n${r.secret}`).update('').digest('base64');
      if (!Number.isFinite(ts) || Math.abs(now() - ts * 1000) > HOUR || !same(String(body.sign ?? ''), expected))
        return [19021, 'sign match fail or timestamp is not within one hour from current time'];
    }
    const id = `feishu:${key}`;
    if (within(id, 1000) >= 5 || within(id, 60_000) >= 100) return [11232, 'frequency limited'];
    if (body.msg_type === 'interactive' && typeof body.card !== 'object') return [9499, 'Bad Request'];
    count(id);
    const { timestamp: _t, sign: _s, ...message } = body;
    take(r, { platform: 'feishu', key, body: message, at: now() });
    return [0, 'success'];
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://double');
      let platform: ChatPlatform;
      let key: string;
      let answer: [number, string];
      if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(`${JSON.stringify(listing(), null, 2)}\n`);
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      if (url.pathname === '/cgi-bin/webhook/send') {
        platform = 'wecom';
        key = url.searchParams.get('key') ?? '';
        answer = wecom(key, raw);
      } else if (url.pathname === '/robot/send') {
        platform = 'dingtalk';
        key = url.searchParams.get('access_token') ?? '';
        answer = dingtalk(url, raw, req.headers['content-type'] ?? '');
      } else if (url.pathname.startsWith('/open-apis/bot/v2/hook/')) {
        platform = 'feishu';
        key = decodeURIComponent(url.pathname.slice('/open-apis/bot/v2/hook/'.length));
        answer = feishu(key, raw);
      } else {
        res.writeHead(404).end();
        return;
      }
      // Taken just now (synchronously, so the last one) if accepted: its answer's time is kept.
      const post = answer[0] === 0 ? accepted.at(-1) : undefined;
      answers.push({ platform, key, code: answer[0], at: now(), raw });
      const body =
        platform === 'feishu'
          ? { code: answer[0], msg: answer[1], data: {}, ...(answer[0] === 0 ? { StatusCode: 0, StatusMessage: 'success' } : {}) }
          : { errcode: answer[0], errmsg: answer[1] };
      const answerNow = () => {
        if (post) answered.set(post, now());
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (options.answerDelayMs) setTimeout(answerNow, options.answerDelayMs);
      else answerNow();
    });
  });
  /** What GET / shows: every accepted post (the robot by name, the headline and text), and the answers by code. */
  const listing = () => ({
    accepted: accepted.map((p) => ({
      at: new Date(p.at).toISOString(),
      platform: p.platform,
      robot: robot(p.platform, p.key)?.name ?? p.platform,
      title: postTitle(p),
      text: postText(p),
    })),
    answers: answers.reduce<Record<string, number>>(
      (by, a) => ({ ...by, [`${a.platform} ${a.code}`]: (by[`${a.platform} ${a.code}`] ?? 0) + 1 }),
      {},
    ),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    answers,
    answeredAt: (post) => answered.get(post),
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        // Senders keep their connections alive: closed now, not after their idle timeout.
        server.closeAllConnections();
      }),
  };
}

function parse(raw: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
