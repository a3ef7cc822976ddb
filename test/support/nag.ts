// What the nag tests read of the construct tree: every acknowledged cdk-nag rule, where it sits and why.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Every acknowledgment in a subtree: rule id, the construct it sits on, and its reason. */
export function acknowledgments(root: IConstruct): { id: string; path: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          path: c.node.path,
          reason,
        })),
      ),
  );
}
