import { compileRules, nextCallableAt, type CallingWindow, type CompiledRules } from './calling-window';
import { RULE_PACKS, resolveRulePack, type RulePack } from './rule-packs';

/** Something about a campaign that will make it call less than its owner expects. */
export interface CampaignWarning {
  code: 'nothing_callable' | 'closed_some_days' | 'never_callable_country' | 'leads_other_country' | 'ends_before_opening';
  message: string;
}

export interface CampaignCheckInput {
  window: CallingWindow;
  defaultCountry: string;
  defaultTimezone: string;
  /** Valid numbers of the campaign's leads per detected country (from its imports). */
  leadCountries?: Readonly<Record<string, number>>;
  scheduledEndAt?: Date | null;
  now: Date;
}

export interface CampaignCheck {
  warnings: CampaignWarning[];
  /** Set when no lead of any checked country could ever be called: start refuses. */
  nothingCallable: CampaignWarning | null;
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const ALL_DAY: CallingWindow = { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };
/** A number of each country whose pack is the country's own (no stricter state). */
const SAMPLE_NUMBER: Record<string, string> = { US: '+12025550123', IN: '+919876543210' };

function hhmm(minutes: number): string {
  return minutes === 1440 ? '24:00' : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function intervals(iv: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < iv.length; i += 2) out.push(`${hhmm(iv[i]!)}–${hhmm(iv[i + 1]!)}`);
  return out.join(', ');
}

/** "10:00–21:00 every day", "Mon–Fri 09:00–18:00, Sat 10:00–14:00", or "no day". */
export function describeWeek(week: readonly (readonly number[])[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < 7) {
    const text = intervals(week[i]!);
    let j = i;
    while (j + 1 < 7 && intervals(week[j + 1]!) === text) j++;
    if (text) parts.push(i === 0 && j === 6 ? `${text} every day` : `${DAY_NAMES[i]}${j > i ? `–${DAY_NAMES[j]}` : ''} ${text}`);
    i = j + 1;
  }
  return parts.length ? parts.join(', ') : 'on no day';
}

/** The rule pack that applies to the numbers of a country under the campaign's choice (null: none). */
export function rulePackForCountry(country: string, choice: string | null | undefined): RulePack | null {
  const sample = SAMPLE_NUMBER[country];
  if (sample) return resolveRulePack(choice, sample);
  const chosen = choice ? RULE_PACKS[choice] : undefined;
  return chosen && chosen.country === country ? chosen : null;
}

function packName(p: RulePack): string {
  return `the ${p.id} rule pack (${p.name})`;
}

/** Why a callee under `pack` can never be called, or null when some day has open hours. */
export function neverOpenReason(window: CallingWindow, pack: RulePack | null): string | null {
  const own = compileRules(window, null);
  const both = compileRules(window, pack);
  if (both.week.some((iv) => iv.length > 0)) return null;
  const windowText = `the campaign's window ${describeWeek(own.week)}`;
  if (!own.week.some((iv) => iv.length > 0)) return `${windowText} opens on no day`;
  return `${packName(pack!)} allows ${describeWeek(compileRules(ALL_DAY, pack).week)}; ${windowText} never overlaps it`;
}

function closedDays(own: CompiledRules, both: CompiledRules): string[] {
  return DAY_NAMES.filter((_d, i) => own.week[i]!.length > 0 && both.week[i]!.length === 0);
}

/**
 * What will keep a campaign from calling as its owner expects, checked against the rule pack of its
 * default country and of every country its leads' numbers come from: a window that never overlaps
 * the pack (nothing callable), one that misses it on some days, leads of other countries than the
 * default, and a schedule that ends before the window next opens.
 */
export function checkCampaign(i: CampaignCheckInput): CampaignCheck {
  const warnings: CampaignWarning[] = [];
  const country = i.defaultCountry.toUpperCase();
  const others = Object.entries(i.leadCountries ?? {}).filter(([c, n]) => n > 0 && c !== country);
  const countries = [country, ...others.map(([c]) => c).filter((c) => /^[A-Z]{2}$/.test(c))];
  const own = compileRules(i.window, null);
  const seen = new Set<string>();
  const never: Array<{ country: string; reason: string }> = [];
  for (const c of countries) {
    const pack = rulePackForCountry(c, i.window.rulePack);
    const key = pack?.id ?? '';
    if (seen.has(key)) continue;
    seen.add(key);
    const reason = neverOpenReason(i.window, pack);
    if (reason) {
      never.push({ country: c, reason });
      continue;
    }
    const days = pack ? closedDays(own, compileRules(i.window, pack)) : [];
    if (days.length) {
      warnings.push({
        code: 'closed_some_days',
        message: `${packName(pack!)} allows ${describeWeek(compileRules(ALL_DAY, pack).week)}; on ${days.join(', ')} the campaign's window ${
          describeWeek(own.week)} does not overlap it, so ${c} numbers are not called on those days`,
      });
    }
  }
  let nothingCallable: CampaignWarning | null = null;
  if (never.length && never.length === seen.size) {
    nothingCallable = { code: 'nothing_callable', message: `nothing can ever be called: ${never.map((n) => n.reason).join('; ')}` };
    warnings.unshift(nothingCallable);
  } else {
    for (const n of never) warnings.push({ code: 'never_callable_country', message: `${n.country} numbers can never be called: ${n.reason}` });
  }
  if (others.length) {
    const n = others.reduce((sum, [, k]) => sum + k, 0);
    warnings.push({
      code: 'leads_other_country',
      message: `${n} lead${n === 1 ? '' : 's'} of this campaign ${n === 1 ? 'has a number' : 'have numbers'} of another country than its defaultCountry ${country} (${
        others.map(([c, k]) => `${c}: ${k}`).join(', ')}); numbers written without a country code were read as ${country} numbers`,
    });
  }
  if (i.scheduledEndAt && !nothingCallable) {
    const pack = rulePackForCountry(country, i.window.rulePack);
    const horizonMs = Math.max(0, i.scheduledEndAt.getTime() - i.now.getTime());
    const next = horizonMs > 0 ? nextCallableAt(compileRules(i.window, pack), [i.defaultTimezone], i.now, { horizonMs }) : null;
    if (next === null || next.getTime() >= i.scheduledEndAt.getTime()) {
      warnings.push({
        code: 'ends_before_opening',
        message: `the campaign stops at scheduledEndAt ${i.scheduledEndAt.toISOString()}, before its calling window next opens in ${i.defaultTimezone}: no call would be made`,
      });
    }
  }
  return { warnings, nothingCallable };
}

/**
 * Why a lead ended with disposition no_window: no moment within a year at which the campaign's
 * window and the rule pack of its number are open in all of its candidate zones.
 */
export function noWindowDetail(window: CallingWindow, phoneE164: string, zones: readonly string[]): string {
  const pack = resolveRulePack(window.rulePack, phoneE164);
  const never = neverOpenReason(window, pack);
  if (never) return `no calling window ever opens for this number: ${never}`;
  const rules = pack ? `${packName(pack)} (${describeWeek(compileRules(ALL_DAY, pack).week)})` : 'no rule pack';
  return `within a year, the campaign's window (${describeWeek(compileRules(window, null).week)}, holidays excluded) and ${rules} are never open at once in all of this lead's zones (${zones.join(', ') || 'none'})`;
}
