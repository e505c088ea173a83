-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION transfer(source integer, target integer, value numeric)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  transfer_id integer;
BEGIN
  UPDATE accounts SET balance = balance - value WHERE id = source;
  UPDATE accounts SET balance = balance + value WHERE id = target;
  INSERT INTO transfers (from_account, to_account, amount)
  VALUES (source, target, value)
  RETURNING id INTO transfer_id;
  RETURN transfer_id;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP FUNCTION transfer(integer, integer, numeric);
-- +goose StatementEnd
