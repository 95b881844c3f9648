/* global module */
/**
 * jest resolver of test/deploy: kubernetes-models and its @kubernetes-models/* dependencies ship ES
 * modules only (package exports with an `import` condition alone); resolve those with `import` (the
 * transform compiles them to CommonJS), every other package as before.
 */
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/|is-cidr$|cidr-regex$|ip-regex$)/;

module.exports = (request, options) =>
  options.defaultResolver(request, ESM_ONLY.test(request) ? { ...options, conditions: [...(options.conditions ?? []), 'import'] } : options);
