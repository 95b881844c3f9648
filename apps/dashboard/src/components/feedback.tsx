import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api-error';
import styles from './feedback.module.css';

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return <div role="alert" className={styles.error}>{errorMessage(error)}</div>;
}

export function Notice({ children }: { children: ReactNode }) {
  return <div role="status" className={styles.notice}>{children}</div>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <p role="status" className={styles.loading}>{label}</p>;
}

export function Panel({ children, title, headingLevel = 2 }: { children: ReactNode; title?: string; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return <section className={styles.panel} aria-label={title}>{title ? <H style={{ marginTop: 0 }}>{title}</H> : null}{children}</section>;
}
