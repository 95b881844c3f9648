import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isValidZone, windowProblem, type CallingWindow } from '@dialer/domain';

/** An IANA time zone name ("America/New_York"); "local"/"system" are not zones of a callee. */
export function isIanaZone(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && !/^(local|system)$/i.test(v) && isValidZone(v);
}

export function IsIanaZone(opts?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isIanaZone',
    validator: {
      validate: (v: unknown) => isIanaZone(v),
      defaultMessage: (a) => `${a?.property ?? 'value'} must be an IANA time zone, like America/New_York`,
    },
  }, opts);
}

/** The calling window as a whole (end after start, weekdays 1..7), by the domain's own rule. */
export function IsUsableWindow(opts?: ValidationOptions): PropertyDecorator {
  const problem = (v: unknown): string | null => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'must be an object';
    try {
      return windowProblem(v as CallingWindow);
    } catch {
      return 'is not a usable calling window';
    }
  };
  return ValidateBy({
    name: 'isUsableWindow',
    validator: {
      validate: (v: unknown) => problem(v) === null,
      // The field is named by whoever shows the message (validateInput), not repeated here.
      defaultMessage: (a) => problem(a?.value) ?? 'is invalid',
    },
  }, opts);
}

export const E164 = /^\+[1-9]\d{6,14}$/;
