import { All, Controller, Req, Res, UseGuards, type Type } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KarafkaWebOptions } from './karafka-web.options.js';
import { WebUiService } from './web-ui.service.js';

const UI_DEPTHS = [':a', ':a/:b', ':a/:b/:c', ':a/:b/:c/:d', ':a/:b/:c/:d/:e'];

type AnyRequest = IncomingMessage & { raw?: IncomingMessage; originalUrl?: string; body?: unknown };
type AnyResponse = ServerResponse & { raw?: ServerResponse };

/**
 * The UI's controller at `path`: every request goes to the framework-free `WebApp` with the
 * raw Node request and response (Express hands them directly, Fastify as `.raw`). A controller
 * rather than a middleware so Nest guards (`guards`) apply.
 */
export function webController(path: string, options: KarafkaWebOptions): Type {
  const mount = `/${path.replace(/^\/+|\/+$/g, '')}`;

  @Controller(path)
  @UseGuards(...(options.guards ?? []))
  class KarafkaWebController {
    constructor(private readonly ui: WebUiService) {}

    // One segment parameter per level instead of a wildcard: Express 5 (path-to-regexp)
    // wants a named `*path`, Fastify (find-my-way) a bare trailing `*`, and neither takes the
    // other's. The UI's deepest path is explorer/<topic>/<partition>/<offset>.
    @All(['', ...UI_DEPTHS])
    page(@Req() req: AnyRequest, @Res() res: AnyResponse): Promise<void> {
      return this.handle(req, res);
    }

    private handle(req: AnyRequest, res: AnyResponse): Promise<void> {
      const raw = req.raw ?? req;
      const url = req.originalUrl ?? raw.url ?? '/';
      // The mount point as the browser sees it (a global prefix included).
      const at = url.indexOf(mount);
      const base = at < 0 ? mount : url.slice(0, at + mount.length);
      const rest = url.slice(base.length) || '/';
      (raw as AnyRequest).body ??= req.body;
      return this.ui
        .app(base)
        .handle(raw, res.raw ?? res, rest.startsWith('/') ? rest : `/${rest}`);
    }
  }
  return KarafkaWebController;
}
