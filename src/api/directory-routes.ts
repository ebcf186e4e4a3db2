import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isDepartmentLine, searchDirectory, type DirectoryLine } from '../directory/search.js';
import { deleteDirectoryEntry } from '../directory/delete-entry.js';
import type { EntryProblem } from '../directory/entry-rules.js';
import { saveDirectoryEntry } from '../directory/save-entry.js';
import { HubErrors, withDetails } from '../errors.js';
import type { DirectoryEntry } from '../store/directory-entries.js';
import {
  DeleteQuery,
  DirectoryLineView,
  DirectoryQuery,
  EntryBody,
  EntryParams,
  EntryView,
} from './directory-schemas.js';
import { requireAdmin, requireHotline } from './guards.js';
import { errorReplies } from './schemas.js';

/**
 * The directory (查号): the same search as the console over departments and entries (hotline
 * staff), one entry, and the entries' changes (admin: create or save a version with `PUT`, delete).
 * Changes go through the same use-cases as the admin page: checked, versioned, audited.
 */
export const directoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', async (request) => {
    requireHotline(request.actor);
  });
  const deps = () => ({ store: app.store, redis: app.redis });

  app.get(
    '/directory',
    {
      schema: {
        summary:
          '查号: departments and other numbers (utilities, emergency, hospitals) matching q, best first',
        tags: ['directory'],
        querystring: DirectoryQuery,
        response: { 200: Type.Array(DirectoryLineView), ...errorReplies },
      },
    },
    async (request) => {
      const { q = '', includeDisabled = false } = request.query;
      const [departments, entries] = await Promise.all([
        app.store.departments.list(),
        includeDisabled ? app.store.directoryEntries.list() : app.store.directoryEntries.listActive(),
      ]);
      const byId = new Map(entries.map((e) => [e.id, e]));
      return searchDirectory(departments, q, entries, { includeDisabled }).map((line) =>
        lineView(line, byId),
      );
    },
  );

  app.get(
    '/directory/:id',
    {
      schema: {
        summary: 'One directory entry with its version (send it back with a change)',
        tags: ['directory'],
        params: EntryParams,
        response: { 200: EntryView, ...errorReplies },
      },
    },
    async (request) => {
      const entry = await app.store.directoryEntries.findById(request.params.id);
      if (!entry) throw new HubErrors.NotFound();
      return entryView(entry);
    },
  );

  app.put(
    '/directory/:id',
    {
      schema: {
        summary: 'Create an entry (no version; 201) or save its next version (the version you edited)',
        tags: ['directory'],
        params: EntryParams,
        body: EntryBody,
        response: { 200: EntryView, 201: EntryView, ...errorReplies },
      },
    },
    async (request, reply) => {
      requireAdmin(request.actor, 'directory entries');
      const { id } = request.params;
      const { version, ...input } = request.body;
      const outcome = await saveDirectoryEntry(deps(), { id, baseVersion: version, input }, request.actor);
      if (outcome.ok) {
        void reply.status(outcome.created ? 201 : 200);
        return entryView(outcome.entry);
      }
      if (outcome.problem === 'invalid') throw invalid(outcome.problems);
      if (outcome.problem === 'exists') throw new HubErrors.AlreadyExists(`directory entry ${id}`);
      if (outcome.problem === 'version_conflict') throw conflict(id, outcome.current);
      if (outcome.problem === 'not_found') throw new HubErrors.NotFound();
      throw new HubErrors.DirectoryEntryBusy(id);
    },
  );

  app.delete(
    '/directory/:id',
    {
      schema: {
        summary: 'Delete an entry (give ?version= to delete only the version you looked at)',
        tags: ['directory'],
        params: EntryParams,
        querystring: DeleteQuery,
        response: { 200: EntryView, ...errorReplies },
      },
    },
    async (request) => {
      requireAdmin(request.actor, 'directory entries');
      const { id } = request.params;
      const outcome = await deleteDirectoryEntry(deps(), id, request.query.version, request.actor);
      if (outcome.ok) return entryView(outcome.entry);
      if (outcome.problem === 'version_conflict') throw conflict(id, outcome.current);
      if (outcome.problem === 'not_found') throw new HubErrors.NotFound();
      throw new HubErrors.DirectoryEntryBusy(id);
    },
  );
};

function invalid(problems: EntryProblem[]): Error {
  const list = problems.map((p) => ({
    path: `/${p.field}`,
    message: p.value === undefined ? p.code : `${p.code}: ${p.value}`,
  }));
  return withDetails(new HubErrors.Validation(list.map((p) => `${p.path}: ${p.message}`).join('; ')), {
    problems: list,
  });
}

function conflict(id: string, current: DirectoryEntry): Error {
  return withDetails(new HubErrors.VersionConflict(`directory entry ${id}`, String(current.version)), {
    version: current.version,
  });
}

function entryView(entry: DirectoryEntry) {
  return { ...entry, updatedAt: entry.updatedAt.toISOString() };
}

function lineView(line: DirectoryLine, entries: ReadonlyMap<string, DirectoryEntry>) {
  if (isDepartmentLine(line)) return { kind: 'department' as const, ...line };
  const entry = entries.get(line.id);
  return {
    kind: 'entry' as const,
    ...line,
    aliases: entry?.aliases ?? [],
    active: entry?.active ?? true,
    version: entry?.version,
  };
}
