// POST /staff/{username}/disable — no more sign-ins for the account, its sessions ended (city_admin).
import { staffStatusHandler } from './staff-status.ts';

export const handler = staffStatusHandler('DISABLED');
