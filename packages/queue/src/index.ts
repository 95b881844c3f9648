import 'reflect-metadata';

export * from './redis';
export * from './catalog';
export * from './queues';
export * from './concurrency-lease';
export * from './rate-limit';
export * from './caller-id-usage';
