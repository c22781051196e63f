import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { flatten, loadTemplate, recordsOf, Template } from './assembly';

const record = (name: string, type: string) => ({ Name: name, Type: type, AliasTarget: { DNSName: 'd.cloudfront.net', HostedZoneId: 'Z2FDTNDATAQYW2' } });

describe('recordsOf, which the consumer checks count DNS records with', () => {
  test('a RecordSet is one record; a RecordSetGroup is as many as its RecordSets', () => {
    const template: Template = {
      Resources: {
        One: { Type: 'AWS::Route53::RecordSet', Properties: { HostedZoneId: 'Z1', ...record('a.example.com.', 'A') } },
        Group: {
          Type: 'AWS::Route53::RecordSetGroup',
          Properties: { HostedZoneId: 'Z1', RecordSets: [record('a.example.com.', 'AAAA'), record('b.example.com', 'A'), record('b.example.com', 'AAAA')] },
        },
        Distribution: { Type: 'AWS::CloudFront::Distribution', Properties: {} },
      },
    };
    expect(recordsOf(template, 'shard').map(r => `${r.name} ${r.type} ${r.from}`)).toEqual([
      'a.example.com A shard#One',
      'a.example.com AAAA shard#Group',
      'b.example.com A shard#Group',
      'b.example.com AAAA shard#Group',
    ]);
  });

  test('a RecordSetGroup without a list of records is an error, not zero records', () => {
    expect(() => recordsOf({ Resources: { Group: { Type: 'AWS::Route53::RecordSetGroup', Properties: { HostedZoneId: 'Z1' } } } }, 'shard'))
      .toThrow('shard: Group (AWS::Route53::RecordSetGroup) has no list of records');
  });
});

describe('loadTemplate', () => {
  test('follows nested stacks through their aws:asset:path metadata, and refuses one without it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assembly-'));
    const write = (file: string, template: Template) => fs.writeFileSync(path.join(dir, file), JSON.stringify(template));
    write('Parent.template.json', { Resources: { Shard: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'Shard.nested.template.json' } } } });
    write('Shard.nested.template.json', { Resources: { R: { Type: 'AWS::Route53::RecordSet', Properties: record('a.example.com.', 'A') } } });
    write('Broken.template.json', { Resources: { Shard: { Type: 'AWS::CloudFormation::Stack' } } });
    try {
      expect(flatten(loadTemplate(dir, 'Parent.template.json')).map(t => t.file)).toEqual(['Parent.template.json', 'Shard.nested.template.json']);
      expect(() => loadTemplate(dir, 'Broken.template.json')).toThrow('nested stack Shard has no aws:asset:path metadata');
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
