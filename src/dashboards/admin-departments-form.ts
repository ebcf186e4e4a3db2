import type { DepartmentInput, DepartmentProblem } from '../departments/check-department.js';
import { LIMITS } from '../departments/check-department.js';
import type { Department } from '../store/departments.js';
import { toHalfWidth } from '../text/width.js';
import { staffText, type StaffLanguage } from './messages.js';

/** The department form as typed: one text per field (lists one item a line), the box as a flag. */
export interface DepartmentFormText {
  code: string;
  name: string;
  nameEn: string;
  phones: string;
  email: string;
  parent: string;
  regionCodes: string;
  workingHours: string;
  active: boolean;
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * The form's texts as the core's input: phones one a line (or separated by `;` `；` `、`), region
 * codes by spaces, commas or lines, working hours `09:00-12:00` one a line (also `9:00～12:00`,
 * `09:00至12:00`, full-width digits). What is not an interval goes on as typed, for the core to refuse.
 */
export function departmentInput(form: DepartmentFormText): DepartmentInput {
  return {
    code: form.code,
    name: form.name,
    nameEn: form.nameEn,
    phones: lines(form.phones)
      .flatMap((line) => line.split(/[;；、]/).map((p) => p.trim()))
      .filter(Boolean),
    email: form.email,
    parent: form.parent,
    regionCodes: toHalfWidth(form.regionCodes)
      .split(/[\s,，;；、]+/)
      .filter((code) => code !== ''),
    workingHours: lines(form.workingHours).map(interval),
    active: form.active,
  };
}

function interval(line: string): { from: string; to: string } {
  const parts = /^(\S+?)\s*(?:-|–|—|~|至|到)\s*(\S+)$/.exec(toHalfWidth(line).replace(/：/g, ':'));
  if (!parts) return { from: line, to: '' };
  const pad = (time: string) => (/^\d:\d\d$/.test(time) ? `0${time}` : time);
  return { from: pad(parts[1] ?? ''), to: pad(parts[2] ?? '') };
}

/** A stored department as the edit form shows it. */
export function formText(department: Department): DepartmentFormText {
  return {
    code: department.code,
    name: department.name,
    nameEn: department.nameEn ?? '',
    phones: department.phones.join('\n'),
    email: department.email ?? '',
    parent: department.parent ?? '',
    regionCodes: department.regionCodes.join(' '),
    workingHours: hoursLines(department.workingHours).join('\n'),
    active: department.active,
  };
}

export function hoursLines(hours: readonly { from: string; to: string }[]): string[] {
  return hours.map((h) => `${h.from}-${h.to}`);
}

/**
 * Each refused field's messages in the page's language, joined. A working-hours line that is not an
 * interval is named as typed (the core only saw its pieces).
 */
export function problemTexts(
  language: StaffLanguage,
  problems: readonly DepartmentProblem[],
  form: DepartmentFormText,
): Record<string, string> {
  const typedHours = lines(form.workingHours);
  const texts: Record<string, string[]> = {};
  for (const problem of problems) {
    const index = Number(problem.path.split('/')[2]);
    const value =
      problem.field === 'workingHours' && problem.code === 'format' ? typedHours[index] : problem.value;
    const max = (LIMITS as Record<string, number | undefined>)[problem.field];
    const text = staffText(language, `departments.problem.${problem.field}.${problem.code}`, { value, max });
    (texts[problem.field] ??= []).push(text);
  }
  return Object.fromEntries(Object.entries(texts).map(([field, list]) => [field, list.join(' ')]));
}
