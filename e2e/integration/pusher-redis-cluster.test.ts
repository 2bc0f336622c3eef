import { redisAvailable } from '../support/services';
import { pusherSuite } from './pusher-suite';

pusherSuite({ redis: true, available: await redisAvailable() });
