import { z } from 'zod';
import { entityId, pathParams } from './common';

export const visitorParams = pathParams(z.object({ visitorId: entityId }));
