/** Typed shapes of the Workspace and BSS read APIs this tool uses, and the client interface the core codes against. */
import type { OrderBody, OrderResponse } from './order-schema.js';

export interface VolumeDetail {
  id?: string;
  volume_id?: string;
  type: string;
  size: number;
  device?: string;
  display_name?: string;
  create_time?: string;
}

/** GET /v2/{project_id}/desktops/detail → desktops[] (DesktopDetailInfo, the fields this tool reads). */
export interface DesktopDetail {
  desktop_id: string;
  computer_name: string;
  os_host_name?: string;
  status: string;
  task_status?: string;
  desktop_type: string;
  product_id: string;
  product?: { product_id: string; flavor_id?: string; cpu?: string; memory?: string };
  /** `metering.image_id` holds the image id (the Terraform provider reads it from here too). */
  metadata?: Record<string, string>;
  root_volume?: VolumeDetail;
  data_volumes?: VolumeDetail[];
  user_name?: string;
  user_list?: string[];
  user_group?: string;
  attach_user_infos?: { type: 'USER' | 'GROUP'; user_id?: string; user_name: string; user_group?: string }[];
  availability_zone?: string;
  subnet_id?: string;
  security_groups?: { id: string; name?: string }[];
  tags?: { key: string; value?: string }[];
  order_id?: string;
  enterprise_project_id?: string;
  created?: string;
  internet_mode?: string;
  pool_id?: string;
}

export interface DesktopFilter {
  computer_name?: string;
  user_name?: string;
  status?: string;
  desktop_id?: string[];
  pool_id?: string;
  enterprise_project_id?: string;
}

/** GET /v2/{project_id}/desktop-pools → desktop_pools[] and GET /desktop-pools/{id}. */
export interface DesktopPoolDetail {
  id: string;
  name: string;
  type: string;
  description?: string;
  /** The pool's size. */
  desktop_count: number;
  desktop_used?: number;
  availability_zone?: string;
  subnet_ids?: string[];
  vpc_id?: string;
  product?: { product_id: string; flavor_id?: string; status?: string };
  image_id?: string;
  root_volume?: VolumeDetail;
  data_volumes?: VolumeDetail[];
  security_groups?: { id: string; name?: string }[];
  status: string;
  charging_mode?: number;
  enterprise_project_id?: string;
  tags?: { key: string; value?: string }[];
  created_time?: string;
  order_id?: string;
}

/** GET /v2/{project_id}/bandwidths → bandwidths[]. */
export interface SubnetBandwidthDetail {
  bandwidth_id: string;
  bandwidth_name: string;
  charge_mode: string;
  size: number;
  vpc_id?: string;
  subnet_id: string;
  order_id?: string;
  status: string;
  created_at?: string;
}

/** GET /v2/{project_id}/eips → eips[]. */
export interface EipDetail {
  id: string;
  address: string;
  bandwidth_size: number;
  eip_charge_mode: string;
  create_time?: string;
  attached_desktop_id?: string;
  attached_desktop_name?: string;
  enterprise_project_id?: string;
  order_id?: string;
}

/** GET /v2/{project_id}/hosts → dedicated_hosts[]. */
export interface ExclusiveHostDetail {
  dedicated_host_id: string;
  name: string;
  product_id: string;
  order_id?: string;
  state: string;
  availability_zone?: string;
  instance_total?: number;
  instance_uuids?: string[];
  allocated_at?: string;
  /** Desktops (lites) allowed on this host, as last ordered; simulator extension, see docs/simulator.md. */
  desktop_quantity?: number;
}

/** GET /v2/{project_id}/workspace-jobs/{job_id}. */
export interface JobDetail {
  id: string;
  job_type: string;
  status: string;
  begin_time?: string;
  end_time?: string;
  job_error_code?: string;
  fail_reason?: string;
  sub_jobs_total?: number;
}

/** BSS order status codes (reference §2). */
export const ORDER_STATUS = {
  pendingReview: 1,
  processing: 3,
  cancelled: 4,
  completed: 5,
  pendingPayment: 6,
  pendingConfirmation: 9,
} as const;

/** BSS customer order (GET /v2/orders/customer-orders and …/details/{order_id} → order_info). */
export interface CustomerOrder {
  order_id: string;
  status: number;
  order_type?: number;
  service_type_code?: string;
  create_time: string;
  payment_time?: string;
  amount_after_discount?: number;
  currency?: string;
}

export interface CustomerOrderFilter {
  create_time_begin?: string;
  create_time_end?: string;
  status?: number;
  order_id?: string;
}

/** What the core needs from the cloud. The HTTP client implements it; tests may use the simulator through it. */
export interface WorkspaceApi {
  /** Never retried once the request may have reached the server: throws OutcomeUnknownError instead. */
  placeOrder(body: OrderBody, options?: { signal?: AbortSignal }): Promise<OrderResponse>;
  listDesktops(filter?: DesktopFilter): Promise<DesktopDetail[]>;
  listDesktopPools(filter?: { name?: string }): Promise<DesktopPoolDetail[]>;
  getDesktopPool(poolId: string): Promise<DesktopPoolDetail>;
  listSubnetBandwidths(filter?: { subnet_id?: string }): Promise<SubnetBandwidthDetail[]>;
  listEips(filter?: { desktop_id?: string }): Promise<EipDetail[]>;
  listExclusiveHosts(filter?: { name?: string }): Promise<ExclusiveHostDetail[]>;
  getJob(jobId: string): Promise<JobDetail>;
  getCustomerOrder(orderId: string): Promise<CustomerOrder>;
  listCustomerOrders(filter?: CustomerOrderFilter): Promise<CustomerOrder[]>;
  payOrder(orderId: string): Promise<void>;
}
