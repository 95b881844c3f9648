import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import styles from './field.module.css';

interface Common { label: string; hint?: ReactNode }

function Wrap({ id, label, hint, children }: Common & { id: string; children: ReactNode }) {
  return (
    <div className={styles.field}>
      <label className={styles.label} htmlFor={id}>{label}</label>
      {children}
      {hint ? <span className={styles.hint} id={`${id}-hint`}>{hint}</span> : null}
    </div>
  );
}

export function TextField({ label, hint, id, ...rest }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return <Wrap id={fid} label={label} hint={hint}><input id={fid} aria-describedby={hint ? `${fid}-hint` : undefined} {...rest} /></Wrap>;
}

export function SelectField({ label, hint, id, children, ...rest }: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return <Wrap id={fid} label={label} hint={hint}><select id={fid} aria-describedby={hint ? `${fid}-hint` : undefined} {...rest}>{children}</select></Wrap>;
}

export function TextAreaField({ label, hint, id, ...rest }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return <Wrap id={fid} label={label} hint={hint}><textarea id={fid} aria-describedby={hint ? `${fid}-hint` : undefined} {...rest} /></Wrap>;
}

export function FieldRow({ children }: { children: ReactNode }) {
  return <div className={styles.row}>{children}</div>;
}
