export * from './end-attempt';
export * from './lease-recovery';
export * from './analysis-callback';
