import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { ApiKeyRole } from '@dialer/db';
import { arrayOf, BOOL, DATE_TIME, EX, Field, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';
import { ROLES } from '../http/permissions';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords';
import { Doc } from '../openapi/doc';

const trimLower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class LoginDto {
  /** The email the account was invited with (case does not matter). */
  @Doc('The email the account was invited with (case does not matter).', 'ada@example.com')
  @Transform(trimLower) @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email: string;
  @Doc('The password.', 'correct horse battery')
  @IsString() @Length(1, PASSWORD_MAX) password: string;
}

export class AcceptInviteDto {
  /** The token of the invitation or password-reset link (`/accept-invite?token=…`). */
  @Doc('The token of the invitation or password-reset link (/accept-invite?token=…).', 'the-token-of-the-link')
  @IsString() @Length(20, 200) token: string;
  /** The new password: at least 12 characters. */
  @Doc('The new password: at least 12 characters.', 'correct horse battery')
  @IsString() @Length(PASSWORD_MIN, PASSWORD_MAX, { message: `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` }) password: string;
  /** The person's name, as shown in the dashboard and the audit log. */
  @Doc('The person\'s name, as shown in the dashboard and the audit log.', 'Ada Lovelace')
  @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
}

export class InviteUserDto {
  @Doc('The person\'s email: their sign-in name (unique across all teams).', 'grace@example.com')
  @Transform(trimLower) @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email: string;
  @Doc('admin, manager or viewer (docs/api.md, roles).', 'manager')
  @IsIn(ROLES) role: ApiKeyRole;
  @Doc('The person\'s name.', 'Grace Hopper')
  @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
}

export class UpdateUserDto {
  @Doc('The new role: admin, manager or viewer.', 'viewer')
  @IsOptional() @IsIn(ROLES) role?: ApiKeyRole;
  /** false deactivates the user: every session ends at once and sign-in is refused. */
  @Doc('false deactivates the user: every session ends at once and sign-in is refused; true reactivates.', false)
  @IsOptional() @IsBoolean() active?: boolean;
  @Doc('The person\'s name.', 'Grace Hopper')
  @IsOptional() @Transform(trim) @IsString() @Length(1, 200) name?: string;
}

const USER_EXAMPLE = { id: EX.id, email: 'grace@example.com', name: 'Grace Hopper', role: 'manager', active: true, invitationAccepted: true, createdAt: EX.at, lastLoginAt: EX.at };

@ResponseSchema('A person of the team (never the password).')
export class UserView {
  @Field(UUID, 'The user id.', EX.id) id: string;
  @Field(TEXT, 'The sign-in email (lower case).', 'grace@example.com') email: string;
  @Field(TEXT, 'The name shown in the dashboard and the audit log.', 'Grace Hopper', { nullable: true }) name: string | null;
  @Field(oneOf(ROLES), 'admin, manager or viewer: the same roles as API keys.', 'manager') role: ApiKeyRole;
  @Field(BOOL, 'False once deactivated: sign-in refused, sessions ended.', true) active: boolean;
  @Field(BOOL, 'False until the invitation link was used to set a password.', true) invitationAccepted: boolean;
  @Field(DATE_TIME, 'When the user was created or invited.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'The last sign-in.', EX.at, { nullable: true }) lastLoginAt: Date | null;
}

@ResponseSchema('The team\'s users.')
export class UserPage {
  @Field(arrayOf(ref(() => UserView)), 'The users, oldest first.', []) data: UserView[];
  @Field(UUID, 'Always null: every user is on this page (at most 1,000).', null, { nullable: true }) nextCursor: string | null;
}

@ResponseSchema('A one-time link that sets a user\'s password (shown only in this answer).')
export class UserLink {
  @Field(TEXT, 'The token of the link.', 'k3X9…') inviteToken: string;
  @Field(TEXT, 'The dashboard page that takes the token: send it to the person.', 'https://dialer.example.com/accept-invite?token=k3X9…') inviteUrl: string;
  @Field(DATE_TIME, 'When the link stops working (72 hours).', EX.at) expiresAt: Date;
}

@ResponseSchema('A new invitation: the user (not yet able to sign in) and the link.')
export class InvitedUser extends UserLink {
  @Field(ref(() => UserView), 'The invited user.', { ...USER_EXAMPLE, invitationAccepted: false, lastLoginAt: null }) user: UserView;
}

@ResponseSchema('The signed-in user, as the session sees them.')
export class SessionUser extends UserView {
  @Field(UUID, 'The user\'s tenant.', EX.id2) tenantId: string;
}

@ResponseSchema('The tenant of the session.')
export class SessionTenant {
  @Field(UUID, 'The tenant id.', EX.id2) id: string;
  @Field(TEXT, 'Its name.', 'Acme Realty') name: string;
}

@ResponseSchema('A signed-in person\'s session: who, which team, what they may do, and the CSRF token for writes.')
export class SessionView {
  @Field(ref(() => SessionUser), 'The user.', { ...USER_EXAMPLE, tenantId: EX.id2 }) user: SessionUser;
  @Field(ref(() => SessionTenant), 'The tenant.', { id: EX.id2, name: 'Acme Realty' }) tenant: SessionTenant;
  @Field(arrayOf(TEXT), 'The permissions of the user\'s role (hide what is not here; the server checks anyway).', ['campaigns:read', 'campaigns:write']) permissions: string[];
  @Field(TEXT, 'Send it as X-CSRF-Token with every POST, PATCH and DELETE of this session.', 'c5f…') csrfToken: string;
}
