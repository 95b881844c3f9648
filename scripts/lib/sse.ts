import http from 'node:http';

export type StreamEnd = 'done' | 'failed' | 'deadline';

/**
 * Reads a Server-Sent Events stream and hands each event to `onEvent` until it returns true
 * ('done'), the stream fails or ends ('failed': the caller falls back to polling), or `deadline`
 * (epoch ms) passes ('deadline'). The connection is closed in every case.
 */
export function readEventStream(
  url: string, headers: Record<string, string>, onEvent: (event: string, data: unknown) => boolean, deadline: number,
): Promise<StreamEnd> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (how: StreamEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(how);
    };
    const timer = setTimeout(() => finish('deadline'), Math.max(0, deadline - Date.now()));
    const req = http.get(url, { headers: { ...headers, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return finish('failed');
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let at: number;
        while (!settled && (at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event || data === undefined) continue;
          try {
            if (onEvent(event, JSON.parse(data))) finish('done');
          } catch {
            finish('failed');
          }
        }
      });
      res.on('end', () => finish('failed'));
      res.on('error', () => finish('failed'));
    });
    req.on('error', () => finish('failed'));
  });
}
