const VARIABLE = /\{\{\s*([A-Za-z_][\w.-]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

/**
 * Renders a script or first-message template: `{{firstName}}` is replaced by the lead's value,
 * `{{firstName|there}}` falls back to "there" when the lead has none; unknown names render empty.
 */
export function renderTemplate(template: string, variables: Readonly<Record<string, string>>): string {
  return template.replace(VARIABLE, (_m, name: string, fallback: string | undefined) => {
    const v = variables[name];
    return v !== undefined && v !== '' ? v : fallback ?? '';
  });
}

/** The variable names a template uses. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1] as string))];
}
