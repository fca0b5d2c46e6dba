import { Reflector } from '@nestjs/core';

/** Marks a controller or route as the admin key's alone: AuthGuard answers 403 to a program key. */
export const AdminOnly = Reflector.createDecorator<true>({ transform: () => true });
