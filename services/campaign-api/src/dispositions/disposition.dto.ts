import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Doc } from '../openapi/doc';

export class DispositionDto {
  /** A label of the team's own: `interested`, `callback_requested`, `wrong_person`, … */
  @Doc('A label of the team\'s own: lower-case letters, digits, _ or - (interested, callback_requested, wrong_person, …).', 'callback_requested')
  @IsString() @Length(1, 64) @Matches(/^[a-z0-9][a-z0-9_-]*$/, { message: 'disposition must be lower-case letters, digits, _ or -' })
  disposition: string;

  /** Sets the lead's qualified flag; automatic qualification rules no longer change it afterwards. */
  @Doc('Sets the lead\'s qualified flag; automatic qualification rules no longer change it afterwards.', true)
  @IsOptional() @IsBoolean() qualified?: boolean;

  @Doc('A note (at most 2000 characters).', 'call back after 5 pm')
  @IsOptional() @IsString() @Length(0, 2000) note?: string;
}
