import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { ApiKeyRole } from '@dialer/db';
import { ROLES } from '../http/permissions';

export class CreateApiKeyDto {
  /** A label to tell keys apart ("CI", "dashboard"). */
  @IsString() @Length(1, 100) name: string;
  @IsIn(ROLES) role: ApiKeyRole;
}

export class ListApiKeysQuery {
  /** true: revoked keys too. */
  @IsOptional() @IsIn(['true', 'false']) includeRevoked?: 'true' | 'false';
}
