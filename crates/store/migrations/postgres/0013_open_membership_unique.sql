-- A person holds a role in an org at most once at a time: parallel requests
-- could pass the service's check together and insert the same open
-- membership twice. Duplicates already stored are removed first, keeping the
-- oldest row (lowest id) of each; ended memberships are history and may repeat.
DELETE FROM memberships
WHERE ended_on IS NULL
  AND id > (SELECT MIN(m.id) FROM memberships m
            WHERE m.person_id = memberships.person_id
              AND m.org_id = memberships.org_id
              AND m.role = memberships.role
              AND m.ended_on IS NULL);
CREATE UNIQUE INDEX memberships_open_unique ON memberships(person_id, org_id, role) WHERE ended_on IS NULL;
