import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { AppError, validateInput, type FieldError } from '@dialer/platform';
import type { ProviderSimConfig } from './config';

/** What a simulated call ends as. `machine` is a completed call answered by a machine (AnsweredBy=machine_start). */
export const SIM_OUTCOMES = ['completed', 'machine', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type SimOutcome = (typeof SIM_OUTCOMES)[number];

export type OutcomeMix = Record<SimOutcome, number>;

/** The simulator's live settings: seeded from the environment, changed at run time with PUT /sim/config. */
export interface SimSettings {
  outcomes: OutcomeMix;
  ringSeconds: number;
  talkSeconds: number;
  timeScale: number;
  callbackDelayMs: number;
  /** Fraction of call creates answered 500 (Twilio error 20500). */
  failCreateRate: number;
  /** Fraction of call creates answered 429 (Twilio error 20429). */
  rejectCreateRate: number;
  /** Fraction of delivered callbacks delivered a second time (same body, same SequenceNumber). */
  duplicateCallbackRate: number;
  /** Fraction of callbacks never sent (a lost webhook). */
  dropCallbackRate: number;
  /** Fraction of non-final callbacks held back and sent after the call's final one (out of order). */
  reorderCallbackRate: number;
  /** Real-time delay before answering a call create (a slow provider). */
  createDelayMs: number;
  /** Vapi: fraction of answered calls whose analysis says success (interested). */
  successRate: number;
}

function isOutcome(name: string): name is SimOutcome {
  return (SIM_OUTCOMES as readonly string[]).includes(name);
}

function emptyMix(): OutcomeMix {
  return { completed: 0, machine: 0, busy: 0, 'no-answer': 0, failed: 0, canceled: 0 };
}

/**
 * Reads an outcome mix from `"busy:1,completed:0.5"` or `{"busy": 1}`. Missing outcomes weigh 0,
 * weights are relative (normalized by their sum). Returns the mix or the list of problems.
 */
export function parseOutcomeMix(input: unknown, field = 'outcomes'): { mix?: OutcomeMix; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const mix = emptyMix();
  let entries: Array<[string, unknown]>;
  if (typeof input === 'string') {
    entries = input.split(',').filter((s) => s.trim() !== '').map((item) => {
      const at = item.indexOf(':');
      return at < 0 ? [item.trim(), undefined] : [item.slice(0, at).trim(), Number(item.slice(at + 1).trim())];
    });
  } else if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    entries = Object.entries(input);
  } else {
    return { problems: [{ field, reason: `${field} must be an object like {"completed":0.7,"busy":0.3} or a string like "completed:0.7,busy:0.3"` }] };
  }
  for (const [name, weight] of entries) {
    if (!isOutcome(name)) {
      problems.push({ field: `${field}.${name}`, reason: `unknown outcome "${name}"; known: ${SIM_OUTCOMES.join(', ')}` });
    } else if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      problems.push({ field: `${field}.${name}`, reason: 'weight must be a finite number >= 0' });
    } else {
      mix[name] = weight;
    }
  }
  if (problems.length === 0 && Object.values(mix).every((w) => w === 0)) {
    problems.push({ field, reason: 'at least one outcome must have a weight above 0' });
  }
  return problems.length ? { problems } : { mix, problems };
}

export function settingsFromConfig(cfg: ProviderSimConfig): SimSettings {
  const { mix, problems } = parseOutcomeMix(cfg.SIM_OUTCOMES, 'SIM_OUTCOMES');
  if (!mix) throw new Error(`configuration error: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`);
  return {
    outcomes: mix,
    ringSeconds: cfg.SIM_RING_SECONDS,
    talkSeconds: cfg.SIM_TALK_SECONDS,
    timeScale: cfg.SIM_TIME_SCALE,
    callbackDelayMs: cfg.SIM_CALLBACK_DELAY_MS,
    failCreateRate: 0,
    rejectCreateRate: 0,
    duplicateCallbackRate: 0,
    dropCallbackRate: 0,
    reorderCallbackRate: 0,
    createDelayMs: 0,
    successRate: 0.5,
  };
}

/** Body of PUT /sim/config: every field optional; `outcomes` replaces the whole mix; `seed` re-seeds the random sequence. */
class SimSettingsPatch {
  @IsOptional()
  outcomes?: unknown;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0)
  ringSeconds?: number;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0)
  talkSeconds?: number;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0)
  timeScale?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(600_000)
  callbackDelayMs?: number;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  failCreateRate?: number;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  rejectCreateRate?: number;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  duplicateCallbackRate?: number;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  dropCallbackRate?: number;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  reorderCallbackRate?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(600_000)
  createDelayMs?: number;

  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  successRate?: number;

  @IsOptional() @Type(() => Number) @IsInt()
  seed?: number;
}

export interface SettingsChange {
  settings: SimSettings;
  seed?: number;
}

/** Applies a partial update; throws AppError 400 naming every bad field, leaving `current` untouched. */
export function applySettingsPatch(current: SimSettings, body: unknown): SettingsChange {
  const problems: FieldError[] = [];
  let patch: SimSettingsPatch | undefined;
  try {
    patch = validateInput(SimSettingsPatch, body, { where: 'sim config' });
  } catch (err) {
    if (!(err instanceof AppError) || !Array.isArray(err.details)) throw err;
    problems.push(...(err.details as FieldError[]));
  }
  const rawOutcomes = (body as { outcomes?: unknown } | null)?.outcomes;
  const parsed = rawOutcomes === undefined ? undefined : parseOutcomeMix(rawOutcomes);
  if (parsed) problems.push(...parsed.problems);
  if (problems.length || !patch) {
    const summary = problems.map((p) => `${p.field}: ${p.reason}`).join('; ');
    throw new AppError('validation_failed', `sim config is invalid: ${summary}`, { status: 400, details: problems });
  }
  const next: SimSettings = { ...current, outcomes: parsed?.mix ?? { ...current.outcomes } };
  for (const key of ['ringSeconds', 'talkSeconds', 'timeScale', 'callbackDelayMs', 'failCreateRate', 'rejectCreateRate', 'duplicateCallbackRate',
    'dropCallbackRate', 'reorderCallbackRate', 'createDelayMs', 'successRate'] as const) {
    const v = patch[key];
    if (v !== undefined) next[key] = v;
  }
  return { settings: next, seed: patch.seed };
}
