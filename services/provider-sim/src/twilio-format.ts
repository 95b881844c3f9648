import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

export const API_VERSION = '2010-04-01';

/** Twilio's date format: RFC 2822 in UTC, e.g. `Tue, 31 Aug 2010 20:36:28 +0000`. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** A call sid: `CA` followed by 32 lower-case hex digits. */
export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** E.164: a plus, a non-zero digit, 7 to 15 digits in all. */
export function looksLikeE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** Answers with Twilio's REST error shape. */
export function sendTwilioError(res: Response, status: number, code: number, message: string): void {
  const body: TwilioErrorBody = { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
  res.status(status).json(body);
}

export function callUri(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Calls/${sid}.json`;
}
