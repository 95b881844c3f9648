import 'reflect-metadata';
import type { ClassConstructor } from 'class-transformer';
import { AppError } from './errors';
import { validateInput } from './validation';

/**
 * Parses the environment once into a frozen, typed object, failing fast with every bad variable named.
 * The config class's property names are the environment variable names; use class-transformer
 * `@Type(() => Number)` for numbers and default values for what may be left unset.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): Readonly<T> {
  const plain: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') plain[k] = v;
  try {
    return Object.freeze(validateInput(cls, plain, { where: 'environment', forbidUnknown: false }));
  } catch (err) {
    if (err instanceof AppError) {
      throw new Error(`configuration error: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
