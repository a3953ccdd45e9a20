/** Every route a Fastify app registers, read from the app itself (so that a route-by-route test cannot leave a new one out). */
import type { FastifyInstance } from 'fastify';

export interface Route {
  method: string;
  url: string;
}

/**
 * The routes of `app.printRoutes({ commonPrefix: false })`: a tree whose lines are a route's path
 * from the nearest route above it, with its methods (`├── measures (GET, HEAD)`).
 */
export function registeredRoutes(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const above: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?) \(([A-Z, ]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    const url = (depth ? above[depth - 1] : '') + m[2];
    above[depth] = url;
    above.length = depth + 1;
    for (const method of m[3].split(', ')) routes.push({ method, url });
  }
  return routes;
}
