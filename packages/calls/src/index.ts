export * from './end-attempt';
export * from './lease-recovery';
