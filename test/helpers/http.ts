/** Talking to the web through Fastify's inject as a browser would: cookies kept, CSRF tokens read from forms, multipart bodies. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Markup people might type anywhere: it must come back as text, never as markup. */
export const XSS = '<script>alert("x")</script>';
export const IMG = '<img src=x onerror=alert(1)>';

let hosts = 0;

export class Browser {
  readonly cookies = new Map<string, string>();

  /** Each browser comes from its own address (the sign-in limit counts per address). */
  constructor(
    private readonly app: FastifyInstance,
    readonly remoteAddress = `10.0.${Math.floor(++hosts / 250)}.${hosts % 250}`,
  ) {}

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: this.cookieHeader(), remoteAddress: this.remoteAddress }));
  }

  async post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: { ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      }),
    );
  }

  async postMultipart(url: string, body: Multipart): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: { ...this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${body.boundary}` },
        payload: body.payload,
      }),
    );
  }

  /** Signs in through the login form; the session cookie is kept. */
  async signIn(name: string, password: string): Promise<LightMyRequestResponse> {
    const page = await this.get('/login');
    return this.post('/login', { _csrf: csrfOf(page.body), name, password, next: '/' });
  }
}

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /_csrf=([^"&]+)/.exec(html);
  if (!m) throw new Error('页面上没有 CSRF 令牌');
  return m[1];
}

export interface Multipart {
  boundary: string;
  payload: Buffer;
}

export function multipart(
  fields: Record<string, string>,
  files: { field?: string; name: string; content: Buffer; type?: string }[] = [],
): Multipart {
  const boundary = `----rectify${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'files'}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      f.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, payload: Buffer.concat(parts) };
}

/** A small valid PDF (one empty page). */
export function tinyPdf(text = 'rectify'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}
