import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { ApiKeyRole } from '@dialer/db';
import { ROLES } from '../http/permissions';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords';

const trimLower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class LoginDto {
  /** The email the account was invited with (case does not matter). */
  @Transform(trimLower) @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email: string;
  @IsString() @Length(1, PASSWORD_MAX) password: string;
}

export class AcceptInviteDto {
  /** The token of the invitation or password-reset link (`/accept-invite?token=…`). */
  @IsString() @Length(20, 200) token: string;
  /** The new password: at least 12 characters. */
  @IsString() @Length(PASSWORD_MIN, PASSWORD_MAX, { message: `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` }) password: string;
  /** The person's name, as shown in the dashboard and the audit log. */
  @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
}

export class InviteUserDto {
  @Transform(trimLower) @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email: string;
  @IsIn(ROLES) role: ApiKeyRole;
  @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
}

export class UpdateUserDto {
  @IsOptional() @IsIn(ROLES) role?: ApiKeyRole;
  /** false deactivates the user: every session ends at once and sign-in is refused. */
  @IsOptional() @IsBoolean() active?: boolean;
  @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
}
