import type { Visibility } from '../domain/timeline';
import type { ItemTypeTable } from './type-table';
import type { Audience } from './types';

/**
 * Whether `audience` may see the item. The team sees everything; a visitor sees only public items
 * of known public types (so a private type stays hidden even if an item of it were stored public).
 */
export function isVisibleTo(table: ItemTypeTable, item: { readonly type: string; readonly visibility: Visibility }, audience: Audience): boolean {
  if (audience === 'team') return true;
  return item.visibility === 'public' && table.get(item.type)?.definition.visibility === 'public';
}
