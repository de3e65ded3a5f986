/**
 * Who may connect to a tenant changes the endpoint service permissions alone, in place
 * (docs/runbooks/change-access.md): the endpoint service name customers configured stays.
 */
import type { SafetyOperation } from '../operation';

export const operations: SafetyOperation[] = [
  {
    name: 'Allow another principal to connect',
    runbook: 'docs/runbooks/change-access.md',
    steps: [
      {
        description: 'add an account and a role to allowedPrincipals',
        edit: (doc) => {
          doc.tenants[0].privateLink.allowedPrincipals.push(
            '444444444444',
            'arn:aws:iam::555555555555:role/app-network',
          );
        },
      },
    ],
  },
  {
    name: 'Withdraw a principal',
    runbook: 'docs/runbooks/change-access.md',
    setup: (doc) => {
      doc.tenants[0].privateLink.allowedPrincipals.push('444444444444');
    },
    steps: [
      {
        description: 'remove one account from allowedPrincipals',
        edit: (doc) => {
          doc.tenants[0].privateLink.allowedPrincipals = ['444444444444'];
        },
      },
      {
        description: 'remove the last one: nobody may create a new endpoint',
        edit: (doc) => {
          doc.tenants[0].privateLink.allowedPrincipals = [];
        },
      },
    ],
  },
];
