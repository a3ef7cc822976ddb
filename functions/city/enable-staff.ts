// POST /staff/{username}/enable — the account may sign in again (city_admin).
import { staffStatusHandler } from './staff-status.ts';

export const handler = staffStatusHandler('ACTIVE');
