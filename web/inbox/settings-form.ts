/**
 * One form of the Settings page: its fields drawn with what the server has, and its Save. Saving
 * holds to the revision the form was drawn with (`If-Match`, the `ETag` it was read with): a save
 * of someone else's since is refused (`412`), and the form then reads the server's values and puts
 * the reader's changes over them, so a field someone else changed meanwhile (and the reader did
 * not) keeps their value; one both changed is not saved, and says what it is now, keeping the
 * reader's value for them to save again. What the server refuses shows at the fields it names.
 * Read-only (an `agent`, whom the server refuses), the fields show and nothing saves.
 */
import { ApiError, type Tagged } from '../shared/api-client';
import { h, mount } from '../shared/dom';
import { errorText } from '../shared/toast';
import { onSubmit } from './controls';
import { putValues, readValues, showMessages, slotsIn } from './settings-fields';
import { changedKeys, placeMessages, refusedFields, saveOutcome, slotOf, type FormValues } from './settings-values';

export interface SettingsSource<T> {
  /** What the server has now, with its revision's tag. */
  read(): Promise<Tagged<T>>;
  values(record: T): FormValues;
  /**
   * Saves the `changed` keys of `values` (the server's values of `current`, with the reader's
   * changes) over `current`'s revision; the record as stored, with its new tag.
   */
  save(current: Tagged<T>, values: FormValues, changed: readonly string[]): Promise<Tagged<T>>;
  /** The fields, drawn with `values` (of `record`). */
  fields(values: FormValues, record: T): HTMLElement[];
}

/** How many times a save is tried when someone else's saves keep coming first (each refused one reads theirs). */
const SAVE_ATTEMPTS = 3;

/** A save refused for its `If-Match`: someone else saved since the form's revision. */
const isStale = (error: unknown): boolean => error instanceof ApiError && error.status === 412;

/** A value as the sentence about someone else's change says it. */
function shownValue(value: string | boolean | undefined): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (!value) return 'empty';
  return `“${value.length > 60 ? `${value.slice(0, 60)}…` : value}”`;
}

export class SettingsForm<T> {
  readonly element: HTMLElement;
  /** The record the fields were drawn with, and its values: what the reader's changes are changes of. */
  private record!: Tagged<T>;
  private drawn: FormValues = {};
  private readonly fields: HTMLFieldSetElement;
  private readonly status = h('p', { class: 'settings-status', role: 'status' });
  private readonly saveButton = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save');

  constructor(
    private readonly source: SettingsSource<T>,
    record: Tagged<T>,
    { readOnly, saveLabel }: { readOnly: boolean; saveLabel: string },
  ) {
    // A disabled fieldset disables every field in it, and says so to a screen reader.
    this.fields = h('fieldset', { class: 'settings-fields', disabled: readOnly });
    this.saveButton.setAttribute('aria-label', saveLabel);
    this.element = h('form', { class: 'settings-form', on: onSubmit(() => void this.save()) }, this.fields, !readOnly && h('div', { class: 'settings-actions' }, this.saveButton, this.status));
    this.draw(record);
  }

  /** Draws the fields with `record`'s values, and the reader's `edits` (by key) over them. */
  private draw(record: Tagged<T>, edits: FormValues = {}): void {
    const focused = this.fields.contains(document.activeElement) ? (document.activeElement as HTMLInputElement).name : undefined;
    this.record = record;
    this.drawn = this.source.values(record.value);
    mount(this.fields, ...this.source.fields(this.drawn, record.value));
    putValues(this.fields, edits);
    // Enter in a field saves: the field drawn anew keeps the focus.
    if (focused) this.fields.querySelector<HTMLElement>(`[name="${CSS.escape(focused)}"]`)?.focus();
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  private async save(): Promise<void> {
    if (this.saveButton.disabled) return;
    this.saveButton.disabled = true;
    this.say('Saving…');
    try {
      await this.saveEdits(readValues(this.fields));
    } catch (error) {
      this.say(`Not saved: ${errorText(error)}`);
    } finally {
      this.saveButton.disabled = false;
    }
  }

  private async saveEdits(edited: FormValues): Promise<void> {
    const mine = Object.fromEntries(changedKeys(this.drawn, edited).map((key) => [key, edited[key] as string | boolean]));
    const drawn = this.drawn;
    // First over the record drawn; after a refusal for someone else's save, over theirs.
    let current = this.record;
    for (let attempt = 1; ; attempt++) {
      const now = this.source.values(current.value);
      const outcome = saveOutcome(drawn, edited, now);
      if (outcome.kind === 'unchanged') {
        // Read again after someone else's save: drawn as it now is, so the next Save goes over their revision.
        if (current !== this.record) this.draw(current);
        showMessages(this.fields, new Map());
        return this.say('Nothing to save: no field was changed.');
      }
      if (outcome.kind === 'conflict') {
        this.draw(current, mine);
        this.showAtFields(this.conflictMessages(outcome.keys, now));
        return this.say('Not saved: someone else changed the marked fields while you were editing. Your changes are still in the fields: save again to keep them.');
      }
      try {
        this.draw(await this.source.save(current, outcome.values, outcome.changed));
        showMessages(this.fields, new Map());
        return this.say('Saved.');
      } catch (error) {
        if (isStale(error) && attempt < SAVE_ATTEMPTS) {
          current = await this.source.read();
          continue;
        }
        const refusals = error instanceof ApiError ? refusedFields(error.details) : [];
        if (refusals.length === 0) throw error;
        const { bySlot, unplaced } = placeMessages(refusals, slotsIn(this.fields));
        this.showAtFields(bySlot);
        return this.say(['Not saved: see the marked fields.', ...unplaced].join(' '));
      }
    }
  }

  /** For each slot, what someone else changed in it: its value now, when it is one field. */
  private conflictMessages(keys: readonly string[], now: FormValues): Map<string, string[]> {
    const slots = slotsIn(this.fields);
    const bySlot = new Map<string, string[]>();
    for (const key of keys) {
      const slot = slotOf(key, slots) ?? key;
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), key]);
    }
    const text = (inSlot: string[]) => `Someone else changed this while you were editing${inSlot.length === 1 ? ` (it is now ${shownValue(now[inSlot[0]!])})` : ''}. Save again to put yours in its place.`;
    return new Map([...bySlot].map(([slot, inSlot]) => [slot, [text(inSlot)]]));
  }

  private showAtFields(bySlot: ReadonlyMap<string, readonly string[]>): void {
    showMessages(this.fields, bySlot)?.focus();
  }
}
