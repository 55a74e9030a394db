import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { WINNERS_TABLE } from '../adapters/dynamodb/winners-table.ts';

/**
 * The stateful stack: the winners table alone, so the stateless stacks can be destroyed and
 * redeployed at will without ever touching the history.
 */
export class DataStack extends Stack {
  readonly table: Table;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = new Table(this, 'WinnersTable', {
      // The storage adapter's single key definition: the local stores create exactly this table.
      partitionKey: {
        name: WINNERS_TABLE.partitionKey.name,
        type: attributeType(WINNERS_TABLE.partitionKey.type),
      },
      sortKey: { name: WINNERS_TABLE.sortKey.name, type: attributeType(WINNERS_TABLE.sortKey.type) },
      // A few writes a day and bursty, mostly CDN-absorbed reads: on-demand costs nothing at rest.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // What lists read (see WINNERS_TABLE): added to a deployed table, DynamoDB fills it online, and the
    // repository reads the table itself until the index is ACTIVE.
    const { winnerRowsIndex } = WINNERS_TABLE;
    this.table.addGlobalSecondaryIndex({
      indexName: winnerRowsIndex.name,
      partitionKey: {
        name: WINNERS_TABLE.partitionKey.name,
        type: attributeType(WINNERS_TABLE.partitionKey.type),
      },
      sortKey: { name: WINNERS_TABLE.sortKey.name, type: attributeType(WINNERS_TABLE.sortKey.type) },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...winnerRowsIndex.projectedAttributes],
    });
    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'TABLE_NAME for stocks-cli backfill against AWS',
    });
  }
}

function attributeType(type: 'S' | 'N' | 'B'): AttributeType {
  const types = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;
  return types[type];
}
