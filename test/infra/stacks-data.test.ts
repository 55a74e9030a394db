import { Match } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { WINNERS_TABLE } from '../../adapters/dynamodb/winners-table.ts';
import { logicalId, synthesizeApp } from './app-fixture.ts';

const { data, templates } = synthesizeApp();

describe('data stack', () => {
  it('builds the table from the storage adapter’s single key definition', () => {
    templates.data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: WINNERS_TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: WINNERS_TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    });
  });

  it('has the winner-rows index lists read: the table’s keys, projecting only the winner attributes', () => {
    templates.data.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'winner-rows',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['winner', 'basis', 'source'] },
        },
      ],
    });
  });

  it('is on-demand, point-in-time recoverable, deletion protected and retained', () => {
    templates.data.resourceCountIs('AWS::DynamoDB::Table', 1);
    templates.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('outputs the table name for the CLI', () => {
    templates.data.hasOutput('TableName', { Value: { Ref: logicalId(data, data.table.node.defaultChild) } });
  });
});
