import type { Filter } from 'mongodb';
import type { Viewer } from '../../domain/people';
import type { ItemDoc } from './documents';

/** What part of a timeline a reader may see: visitors only `public` items, the team `all`. */
export type Audience = 'public' | 'all';

/** The audience of a viewer: visitors see public items only. */
export const audienceOf = (viewer: Viewer): Audience => (viewer.kind === 'visitor' || viewer.kind === 'contact' ? 'public' : 'all');

/** The item filter an audience adds. */
export const visibilityFilter = (audience: Audience): Filter<ItemDoc> => (audience === 'public' ? { visibility: 'public' } : {});
