import { pusherSuite } from './pusher-suite';

pusherSuite({ redis: false, available: true });
