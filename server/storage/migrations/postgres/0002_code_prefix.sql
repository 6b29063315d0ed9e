-- 0002: each kiosk's receipt-code prefix, handed out at enrolment in
-- order; unique, so two kiosks never make the same code.
ALTER TABLE devices ADD COLUMN code_prefix TEXT;
CREATE UNIQUE INDEX devices_code_prefix ON devices (code_prefix);
