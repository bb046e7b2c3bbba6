-- The cascade replaces what matching wrote before: links, persons, match_review and person_merges.

DELETE FROM links;
DELETE FROM persons;
DELETE FROM match_review;
DELETE FROM person_merges;
