import { Writable } from 'node:stream';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min } from 'class-validator';
import {
  AppError, CommonConfig, createLogger, decryptSecret, encryptSecret, loadConfig, maskPhones, validateInput, withLogContext,
} from '@dialer/platform';

class Body {
  @IsString() name: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(10) limit: number;
}

describe('validateInput', () => {
  it('when fields are wrong or unknown, then it throws a 400 naming each field and why', () => {
    let caught: unknown;
    try {
      validateInput(Body, { name: 5, limit: 99, extra: true }, { where: 'request body' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    const e = caught as AppError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('validation_failed');
    const fields = (e.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(['extra', 'limit', 'name']);
    expect(e.message).toMatch(/^request body is invalid/);
  });
  it('when the input is not an object, then it says so', () => {
    expect(() => validateInput(Body, [1], { where: 'job payload' })).toThrow('job payload must be a JSON object');
  });
  it('when valid, then it returns a typed instance', () => {
    expect(validateInput(Body, { name: 'a', limit: '3' })).toMatchObject({ name: 'a', limit: 3 });
  });
});

describe('loadConfig', () => {
  it('when a variable is invalid, then start-up fails naming it', () => {
    expect(() => loadConfig(CommonConfig, { QUEUE_PREFIX: 'dialer' })).toThrow(/configuration error: .*QUEUE_PREFIX/);
  });
  it('when nothing is set, then the localhost defaults apply and the object is frozen', () => {
    const cfg = loadConfig(CommonConfig, {});
    expect(cfg.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/dialer');
    expect(Object.isFrozen(cfg)).toBe(true);
  });
});

describe('logger redaction', () => {
  function capture() {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    return { logger: createLogger({ service: 't', level: 'info', destination }), lines };
  }
  it('when phone numbers and secrets are logged, then none of them reach the output', () => {
    const { logger, lines } = capture();
    withLogContext({ jobId: 'j1' }, () => {
      logger.info({ to: '+14155552671', lead: { phoneE164: '+14155552671' }, authToken: 's3cret', req: { headers: { authorization: 'Bearer dk_x' } } },
        'dialing +1 (415) 555-2671 now');
    });
    const out = lines.join('');
    expect(out).not.toMatch(/4155552671|555-2671|s3cret|dk_x/);
    expect(out).toMatch(/"jobId":"j1"/);
    expect(out).toMatch(/\[redacted\]/);
  });
  it('when text holds no phone number, then masking leaves it alone', () => {
    expect(maskPhones('attempt 3 of 5 at 2026-03-02')).toBe('attempt 3 of 5 at 2026-03-02');
  });
  it('when text holds UUIDs and other ids, then masking never cuts through them, and still masks the phone beside them', () => {
    const ids = ['b228a82d-2123-4567-8d12-bea0cd4c4ef4', '00000000-0000-4000-8000-000000000000', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10',
      'CA1234567890abcdef1234567890abcdef', 'lead-4155552671-a1', 'job 1763790000000-users'];
    for (let i = 0; i < 200; i++) ids.push(crypto.randomUUID());
    for (const id of ids) expect(maskPhones(`lead ${id} failed`)).toBe(`lead ${id} failed`);
    expect(maskPhones(`lead ${ids[0]!} to +14155552671: busy`)).toBe(`lead ${ids[0]!} to [phone]: busy`);
    expect(maskPhones('to=+919876543210,')).toBe('to=[phone],');
    expect(maskPhones('call (415) 555-2671 now')).not.toMatch(/\d/);
  });
});

describe('secrets at rest', () => {
  it('when sealed and opened with the same key, then the secret round-trips; another key fails', () => {
    const sealed = encryptSecret('{"authToken":"abc"}', 'k1');
    expect(sealed).not.toContain('abc');
    expect(decryptSecret(sealed, 'k1')).toBe('{"authToken":"abc"}');
    expect(() => decryptSecret(sealed, 'k2')).toThrow();
  });
});

describe('logged database errors', () => {
  it('when a database error with bound parameters and row detail is logged, then neither reaches the output', () => {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    const logger = createLogger({ service: 't', level: 'info', destination });
    const err = Object.assign(new Error('duplicate key value violates unique constraint "leads_campaign_phone"'), {
      parameters: ['+14155552671'], detail: 'Key (campaign_id, phone_e164)=(c1, +14155552671) already exists.',
      query: 'INSERT INTO leads …', driverError: { detail: '+14155552671' },
    });
    logger.error({ err }, 'insert failed');
    const out = lines.join('');
    expect(out).toMatch(/leads_campaign_phone/);
    expect(out).not.toMatch(/4155552671/);
  });
});
