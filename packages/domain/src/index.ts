export * from './campaign-status';
export * from './call-status';
export * from './retry-policy';
export * from './calling-window';
export * from './phone';
export * from './rule-packs';
export * from './lead-timezones';
export * from './schedule-preview';
