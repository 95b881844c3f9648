import { parseRedisUrl } from '@dialer/queue';

describe('parseRedisUrl', () => {
  it('when REDIS_URL names one server, then it is passed on as it is', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/2')).toEqual({ cluster: false, url: 'redis://127.0.0.1:6379/2' });
    expect(parseRedisUrl('rediss://:pw@redis.example:6380')).toEqual({ cluster: false, url: 'rediss://:pw@redis.example:6380' });
  });

  it('when REDIS_URL names a cluster, then every seed node is read, the default port being 6379', () => {
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001, redis-3 ')).toEqual({
      cluster: true, tls: false,
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: 'redis-3', port: 6379 }],
    });
    expect(parseRedisUrl('redis+cluster://[::1]:7000/0')).toEqual({ cluster: true, tls: false, nodes: [{ host: '::1', port: 7000 }] });
  });

  it('when a cluster URL carries credentials and rediss, then they apply to every node, with TLS', () => {
    expect(parseRedisUrl('rediss+cluster://app:p%40ss:word@a.example:6380,b.example:6380')).toEqual({
      cluster: true, tls: true, username: 'app', password: 'p@ss:word',
      nodes: [{ host: 'a.example', port: 6380 }, { host: 'b.example', port: 6380 }],
    });
    expect(parseRedisUrl('redis+cluster://:secret@a:7000')).toMatchObject({ password: 'secret' });
    expect(parseRedisUrl('redis+cluster://:secret@a:7000')).not.toHaveProperty('username');
  });

  it('when a cluster URL cannot be used, then the error says why and how it should read', () => {
    expect(() => parseRedisUrl('redis+cluster://a:7000/3')).toThrow(/database 3: a Cluster has only database 0.*redis\+cluster:\/\/\[user:password@\]host1:port1/);
    expect(() => parseRedisUrl('redis+cluster://')).toThrow(/cannot be read/);
    expect(() => parseRedisUrl('redis+cluster://a:7000,b:notaport')).toThrow(/unreadable node "b:notaport"/);
    expect(() => parseRedisUrl('redis+cluster://,,')).toThrow(/lists no node/);
  });
});
