import type { ButtonHTMLAttributes } from 'react';
import styles from './button.module.css';

type Props = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'default' | 'primary' | 'danger'; size?: 'normal' | 'small' };

export function Button({ variant = 'default', size = 'normal', className, type = 'button', ...rest }: Props) {
  const cls = [styles.button, variant !== 'default' ? styles[variant] : '', size === 'small' ? styles.small : '', className ?? ''].filter(Boolean).join(' ');
  return <button type={type} className={cls} {...rest} />;
}

export const buttonClass = (variant: 'default' | 'primary' = 'default'): string => [styles.button, variant === 'primary' ? styles.primary : ''].join(' ');
