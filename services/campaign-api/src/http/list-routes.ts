import type { Router } from 'express';

export interface RegisteredRoute {
  method: string;
  path: string;
}

interface LayerLike {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

/** Every route registered on a router and the routers mounted (without a path) inside it. */
export function listRoutes(router: Router): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  const walk = (stack: LayerLike[]): void => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method, path });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: LayerLike[] }).stack);
  return out;
}
