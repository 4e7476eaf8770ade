import { CalendarDate, ValidationError } from '@app/shared-kernel';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * A day, written YYYY-MM-DD, that exists in the calendar. A timestamp is refused with its own reason: which day it
 * names depends on a zone, and a due date of 2026-03-10T22:00:00-03:00 would otherwise be stored as 11 March.
 */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => {
          try {
            CalendarDate.parse(value, 'date');
            return true;
          } catch (error) {
            if (error instanceof ValidationError) return false;
            throw error;
          }
        },
        defaultMessage: (args) => {
          try {
            CalendarDate.parse(args?.value, args?.property ?? 'date');
          } catch (error) {
            if (error instanceof ValidationError) return `${args?.property} ${error.message}`;
          }
          return `${args?.property} must be a calendar date written YYYY-MM-DD`;
        },
      },
    },
    options,
  );
}
