import { checkWebhookUrl } from '../src/webhook-endpoints/webhook-url';

describe('webhook endpoint URLs', () => {
  it('when NODE_ENV is production, then only https to a public host is accepted', () => {
    expect(() => checkWebhookUrl('https://crm.example.com/h', true)).not.toThrow();
    expect(() => checkWebhookUrl('http://crm.example.com/h', true)).toThrow(/url must use https/);
    expect(() => checkWebhookUrl('https://127.0.0.1/h', true)).toThrow(/private, loopback or link-local/);
    expect(() => checkWebhookUrl('https://[::1]/h', true)).toThrow(/private, loopback or link-local/);
    expect(() => checkWebhookUrl('https://169.254.169.254/latest', true)).toThrow(/private, loopback or link-local/);
    expect(() => checkWebhookUrl('https://localhost/h', true)).toThrow(/private, loopback or link-local/);
    expect(() => checkWebhookUrl('https://user:pw@crm.example.com/h', true)).toThrow(/user name or password/);
  });

  it('when not in production, then https anywhere and http to localhost only', () => {
    expect(() => checkWebhookUrl('http://localhost:4000/h', false)).not.toThrow();
    expect(() => checkWebhookUrl('http://127.0.0.1:4000/h', false)).not.toThrow();
    expect(() => checkWebhookUrl('https://crm.example.com/h', false)).not.toThrow();
    expect(() => checkWebhookUrl('http://crm.example.com/h', false)).toThrow(/http is allowed only to localhost/);
  });
});
