/**
 * The governance action table (subgraphs/mainchain/actions.ts) is the one list of actions: the
 * schema's `ProposalInput` action fields and `ProposalKind` values are exactly its entries, and a
 * proposal holds exactly one of them. (What each action checks and does runs against real
 * processes in test/governance.e2e.test.ts and test/extension.e2e.test.ts.)
 */
import { Kind, type EnumTypeDefinitionNode, type InputObjectTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AikiError } from '../../core/index.ts';
import { mainchain } from '../../schema/index.ts';
import { ACTION_NAMES, actionKind, actionOf, validateAction } from '../../subgraphs/mainchain/actions.ts';

const definition = <T>(kind: Kind, name: string) => mainchain.typeDefs.definitions.find((d) => d.kind === kind && 'name' in d && d.name?.value === name) as T;

describe('the governance action table', () => {
  it("has one entry per action field of the schema's ProposalInput, and nothing else", () => {
    const input = definition<InputObjectTypeDefinitionNode>(Kind.INPUT_OBJECT_TYPE_DEFINITION, 'ProposalInput');
    const fields = input.fields!.map((f) => f.name.value).filter((f) => f !== 'title' && f !== 'description');
    expect([...ACTION_NAMES].sort()).toEqual(fields.sort());
  });

  it("names each action by one of the schema's ProposalKind values, one each", () => {
    const kinds = definition<EnumTypeDefinitionNode>(Kind.ENUM_TYPE_DEFINITION, 'ProposalKind').values!.map((v) => v.name.value);
    expect(ACTION_NAMES.map((type) => actionKind({ type })).sort()).toEqual([...kinds].sort());
    expect(actionKind({ type: 'registerSubgraph' })).toBe('REGISTER_SUBGRAPH');
  });

  it('refuses a sealed action that is not in the table', () => {
    expect(() => actionOf({ type: 'mintMoney' })).toThrow(/no governance action "mintMoney"/);
    expect(() => actionOf({ type: 'toString' })).toThrow(/no governance action/);
  });

  // Counting the actions given comes before any action's check, so nothing is looked up here.
  const noServices = undefined as never;
  const refused = async (input: Record<string, unknown>) => {
    const err = await validateAction({ title: 't', ...input } as never, noServices).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AikiError);
    return err as AikiError;
  };

  it('refuses a proposal without an action, naming every action', async () => {
    const err = await refused({});
    expect(err.code).toBe('BAD_PROPOSAL');
    expect(err.extensions.field).toBe('input');
    expect(err.message).toBe(
      'a proposal has exactly one action (registerMunicipality, suspendMunicipality, resumeMunicipality, registerSubgraph, removeSubgraph or changeParameters); got none',
    );
  });

  it('refuses a proposal with two actions, naming them', async () => {
    const err = await refused({ resumeMunicipality: { code: 'nara' }, removeSubgraph: { name: 'events' } });
    expect(err.code).toBe('BAD_PROPOSAL');
    expect(err.message).toMatch(/got resumeMunicipality, removeSubgraph$/);
  });
});
