const VARIABLE = /\{\{\s*([A-Za-z_][\w.-]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

/**
 * A lead's value as a template or provider variable: typed values of a lead schema written out
 * (numbers as JSON writes them, booleans true/false, a tags list joined with ", "); null/absent: "".
 */
export function variableText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(variableText).filter((x) => x !== '').join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Renders a script or first-message template: `{{firstName}}` is replaced by the lead's value,
 * `{{firstName|there}}` falls back to "there" when the lead has none; unknown names render empty.
 * Typed values render as text (`{{budget}}` → 7500000, `{{tags}}` → "investor, nri").
 */
export function renderTemplate(template: string, variables: Readonly<Record<string, unknown>>): string {
  return template.replace(VARIABLE, (_m, name: string, fallback: string | undefined) => {
    const v = variableText(variables[name]);
    return v !== '' ? v : fallback ?? '';
  });
}

/** The variable names a template uses. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1] as string))];
}
